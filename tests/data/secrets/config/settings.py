ACME = "acme_tok_4k9x2m7r8t1v5b3n6c0q2w4e"
DB_PASSWORD = "Vq9xLm2Rt7pBz4Kw"
