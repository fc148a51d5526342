API_KEY = "your-api-key-here"
password = os.environ["DB_PASSWORD"]
token = "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"  # hullscan:allow test fixture
