#!/bin/bash
# pcaps/make_ws.sh -- MQTT over WebSocket from the device, in the clear (root).
#
#     sudo pcaps/make_ws.sh [OUTDIR]        # default: the folder of this script
#
# A private lab (pcaps/capture_lab.sh, prefix tws-): tws-dev is "the device" (198.19.250.10,
# MAC 00:1a:11:10:fa:0a), tws-srv is its cloud broker on 198.19.250.2: mosquitto 2.0 on its own
# loopback (1883), behind a WebSocket endpoint on 8080 made with the python3-websockets library
# (10.4, subprotocol "mqtt", each message relayed to mosquitto and back). Debian's mosquitto is
# built without libwebsockets, so its own `protocol websockets` listener does not start. The
# device connects with Eclipse Paho's Python client 1.6 (`transport="websockets"`, path /mqtt),
# user cam01 / password ws-s3cret, publishes one message and disconnects. tcpdump records the
# device's bridge port into mqtt-ws.pcap. No default route, no forwarding; every address is in
# 198.18.0.0/15.
#
# Needs: tcpdump, mosquitto, ethtool; python3-paho-mqtt and python3-websockets (when they are not
# installed, the script unpacks them with `apt-get download` into its work folder and puts them
# on PYTHONPATH).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE}
P=tws-
DEV=${P}dev SRV=${P}srv
DEV_IP=198.19.250.10 SRV_IP=198.19.250.2
# shellcheck source=capture_lab.sh
. "$HERE/capture_lab.sh"
capture_lab_begin "$P" make_ws.sh
capture_lab_host "$P" dev "$DEV_IP" 00:1a:11:10:fa:0a
capture_lab_host "$P" srv "$SRV_IP" 02:00:5e:10:fa:02

PYPATH=
for pkg in python3-paho-mqtt python3-websockets; do
    mod=${pkg#python3-}; mod=${mod/paho-mqtt/paho.mqtt.client}
    python3 -c "import $mod" 2>/dev/null && continue
    (cd "$WORK" && apt-get download "$pkg" >/dev/null 2>&1 && dpkg-deb -x "$pkg"_*.deb "$pkg") ||
        { echo "make_ws.sh: cannot get $pkg" >&2; exit 1; }
    PYPATH=$PYPATH${PYPATH:+:}$WORK/$pkg/usr/lib/python3/dist-packages
done
export PYTHONPATH=$PYPATH

cat >"$WORK/mosquitto.conf" <<CONF
listener 1883 127.0.0.1
allow_anonymous true
persistence false
CONF
bg "$SRV" mosquitto -c "$WORK/mosquitto.conf"
listening "$SRV" 1883

cat >"$WORK/relay.py" <<'PY'
# A WebSocket endpoint for MQTT: each binary message goes to mosquitto, its bytes come back.
import asyncio, sys
import websockets

async def session(ws, path=None):
    reader, writer = await asyncio.open_connection("127.0.0.1", 1883)
    async def up():
        async for msg in ws:
            writer.write(msg)
            await writer.drain()
        writer.close()
    async def down():
        while data := await reader.read(65536):
            await ws.send(data)
        await ws.close()
    await asyncio.gather(up(), down(), return_exceptions=True)

async def main():
    async with websockets.serve(session, sys.argv[1], 8080, subprotocols=["mqtt"]):
        await asyncio.Future()

asyncio.run(main())
PY
bg "$SRV" python3 "$WORK/relay.py" "$SRV_IP"
listening "$SRV" 8080

cat >"$WORK/client.py" <<'PY'
import sys, time
import paho.mqtt.client as mqtt
c = mqtt.Client(client_id="cam-01", transport="websockets")
c.ws_set_options(path="/mqtt")
c.username_pw_set("cam01", "ws-s3cret")
c.connect(sys.argv[1], 8080, keepalive=30)
c.loop_start()
c.publish("acme/cam-01/status", "online", qos=1).wait_for_publish(timeout=5)
c.disconnect()
c.loop_stop()
PY
capture mqtt-ws ip netns exec "$DEV" python3 "$WORK/client.py" "$SRV_IP"
