"""Core tests run on a plain asyncio loop, no Qt: ``async def`` tests are run by the hook below.

The engine-with-clients helper lives in ``receipt_world.py``.
"""

from __future__ import annotations

import asyncio
import inspect

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    kwargs = {name: pyfuncitem.funcargs[name] for name in names}
    errors: list[dict] = []

    async def main() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: errors.append(context))
        await pyfuncitem.obj(**kwargs)

    asyncio.run(main())
    assert not errors, f"errors reported to the event loop: {errors}"
    return True
