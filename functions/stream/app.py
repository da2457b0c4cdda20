"""Lambda adapter for the WebSocket API's routes ($connect, $disconnect, subscribe, $default)."""

from ledgerline.observability import instrument
from ledgerline.stream.handlers import on_websocket

handler = instrument(on_websocket)
