#!/usr/bin/python3
"""tests/lab/personas/tarpit.py -- the tarpit persona: services that never end.

    tarpit.py ADDRESS [--trickle 23,80] [--flood 8080] [--interval 5] [--flood-bytes 1073741824]

* trickle ports (default tcp/23 and tcp/80): accept, then send ONE byte
  immediately and one more every --interval seconds (default 5), forever,
  cycling through "tarpit\\r\\n".  Whatever the peer sends is read and
  discarded; the connection only ends when the peer closes it.
* flood port (default tcp/8080): accept, then send a "banner" of exactly
  --flood-bytes bytes (default 1 GiB) of 'A' -- no line end, no protocol
  greeting (so nothing identifies it as FTP/SMTP/...) -- as fast as the peer
  reads it, generated in 256 KiB chunks from one
  preallocated buffer (never held in memory whole), then close.

Caps: 2048 concurrent trickle connections, 32 concurrent floods (more are
accepted and closed at once).  Standard library (asyncio) only; runs in the
foreground until SIGTERM.
"""
import argparse
import asyncio
import signal

PATTERN = b"tarpit\r\n"
CHUNK = 256 * 1024
MAX_TRICKLE = 2048
MAX_FLOOD = 32


class Counter:
    def __init__(self):
        self.n = 0


async def drain_input(reader):
    try:
        while await reader.read(4096):
            pass
    except (ConnectionError, OSError):
        pass


async def trickle(reader, writer, interval, live):
    if live.n >= MAX_TRICKLE:
        writer.close()
        return
    live.n += 1
    sink = asyncio.ensure_future(drain_input(reader))
    i = 0
    try:
        while not sink.done():
            writer.write(PATTERN[i % len(PATTERN):i % len(PATTERN) + 1])
            await writer.drain()
            i += 1
            try:
                await asyncio.wait_for(asyncio.shield(sink), interval)
            except asyncio.TimeoutError:
                pass
    except (ConnectionError, OSError):
        pass
    finally:
        live.n -= 1
        sink.cancel()
        writer.close()


async def flood(reader, writer, total, live):
    if live.n >= MAX_FLOOD:
        writer.close()
        return
    live.n += 1
    sink = asyncio.ensure_future(drain_input(reader))
    buf = memoryview(b"A" * CHUNK)
    try:
        left = total
        while left > 0:
            n = min(left, CHUNK)
            writer.write(buf[:n])
            left -= n
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        live.n -= 1
        sink.cancel()
        writer.close()


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("address")
    ap.add_argument("--trickle", default="23,80")
    ap.add_argument("--flood", default="8080")
    ap.add_argument("--interval", type=float, default=5.0)
    ap.add_argument("--flood-bytes", type=int, default=1 << 30)
    args = ap.parse_args()

    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    loop.add_signal_handler(signal.SIGINT, stop.set_result, None)

    tl, fl = Counter(), Counter()
    servers = []
    for p in filter(None, args.trickle.split(",")):
        servers.append(await asyncio.start_server(
            lambda r, w: trickle(r, w, args.interval, tl), args.address, int(p), reuse_address=True))
    for p in filter(None, args.flood.split(",")):
        servers.append(await asyncio.start_server(
            lambda r, w: flood(r, w, args.flood_bytes, fl), args.address, int(p), reuse_address=True))
    await stop
    for s in servers:
        s.close()


if __name__ == "__main__":
    asyncio.run(main())
