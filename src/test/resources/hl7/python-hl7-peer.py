"""An MLLP listener we did not write: python3-hl7's, with its own decoding (ASCII unless an encoding is given).

Usage: python3 python-hl7-peer.py PORT [ENCODING]. Prints "listening" when ready, then, for each message it could
decode, its segments (one per line) and a line "----", and answers with the ACK python3-hl7 builds (AA). A message
it cannot decode ends the connection without an answer, as python3-hl7 does, and prints "undecodable".
"""
import asyncio
import sys

import hl7
from hl7.mllp import start_hl7_server


async def answer(reader, writer):
    try:
        while not writer.is_closing():
            message = await reader.readmessage()
            print(str(message).replace("\r", "\n"), "----", sep="\n", flush=True)
            writer.writemessage(message.create_ack())
            await writer.drain()
    except asyncio.IncompleteReadError:
        pass
    except UnicodeDecodeError:
        print("undecodable", flush=True)
    finally:
        writer.close()


async def main():
    port = int(sys.argv[1])
    options = {"encoding": sys.argv[2]} if len(sys.argv) > 2 else {}
    server = await start_hl7_server(answer, "127.0.0.1", port, **options)
    print("listening", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
