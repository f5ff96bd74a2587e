import os

import yaml
from flask import Flask, jsonify

app = Flask(__name__)

with open(os.path.join(os.path.dirname(__file__), "items.yaml")) as handle:
    ITEMS = yaml.load(handle, Loader=yaml.FullLoader)


@app.get("/items")
def items():
    return jsonify([item for item in ITEMS if item["stock"] > 0])


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000)
