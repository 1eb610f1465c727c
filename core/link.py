"""The simulated network link between one client and the engine: an on/off switch, a latency and
an upload rate.

The client owns its link and changes it (``Client.set_online``, ``Client.set_latency``);
``core.delivery`` reads it: what the engine sends arrives once the engine's clock passes send time
+ latency, and going offline drops what was in flight (the engine sends it again on reconnect).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Link:
    """One client's link.

    Attributes:
        latency: seconds of engine clock between the engine sending and the client receiving;
            a change applies to what is sent from then on.
        up: whether the client can reach the engine (calls fail and deliveries wait while down).
        upload_rate: bytes per second of engine clock at which media files upload
            (``core.uploads``); None: at once.
    """

    latency: float = 0.0
    up: bool = True
    upload_rate: float | None = None
