"""An MLLP client we did not write: python3-hl7's open_hl7_connection, as an interface engine sends an ADT feed.

Usage: python3 python-hl7-sender.py HOST PORT < messages. The messages come on standard input, one segment per
line, each message ended by a line "----". Each is sent on one connection, in order, waiting for its ACK, and the
ACK is printed the same way (one segment per line, then "----").
"""
import asyncio
import sys

import hl7
from hl7.mllp import open_hl7_connection


async def main():
    host, port = sys.argv[1], int(sys.argv[2])
    messages, segments = [], []
    for line in sys.stdin.read().splitlines():
        if line == "----":
            messages.append("\r".join(segments))
            segments = []
        elif line:
            segments.append(line)
    reader, writer = await open_hl7_connection(host, port)
    try:
        for message in messages:
            writer.writemessage(hl7.parse(message))
            await writer.drain()
            ack = await asyncio.wait_for(reader.readmessage(), timeout=30)
            print(str(ack).replace("\r", "\n"), "----", sep="\n", flush=True)
    finally:
        writer.close()


asyncio.run(main())
