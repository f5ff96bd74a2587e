"""Serves quotes: GET /quote?lane=rotterdam-hamburg&kg=250."""
import json
import tomllib
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

with open("/etc/rate-engine/rates.toml", "rb") as card:
    LANES = tomllib.load(card)["lanes"]


class Quote(BaseHTTPRequestHandler):
    def do_GET(self):
        query = parse_qs(urlparse(self.path).query)
        lane = LANES.get(query.get("lane", [""])[0])
        if lane is None:
            self.send_response(404)
            self.end_headers()
            return
        kg = float(query.get("kg", ["100"])[0])
        price = lane["base"] * kg / 100 * (1 + lane["fuel_surcharge"])
        body = json.dumps({"eur": round(price, 2)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)


HTTPServer(("", 8000), Quote).serve_forever()
