# Google discovery documents (schemas of the real APIs) for the conformance tests:
# google-api-python-client 2.202.0 on PyPI, Apache-2.0.
fetch_google() {
  local whl
  whl="$(pypi_download google-api-python-client 2.202.0 \
    google_api_python_client-2.202.0-py3-none-any.whl \
    aaa90064c9bb642ff1d065b22ca8958a2cb6e345909cefe70d0e5452fc50e08b)"
  local docs=googleapiclient/discovery_cache/documents
  unzip_member "$whl" "$docs/gmail.v1.json" "$ENV0_FIXTURES/google/gmail.v1.json" \
    bfe9c4bf485e30971775274ce7b41c527d06658c5a1fb2c5fb05582a3295dadc
  unzip_member "$whl" "$docs/calendar.v3.json" "$ENV0_FIXTURES/google/calendar.v3.json" \
    e4668b97464e1a80305a86d6d883a6e772297179fb8a923f5e5ee17d4e178f20
  unzip_member "$whl" "$docs/drive.v3.json" "$ENV0_FIXTURES/google/drive.v3.json" \
    0da3056ac67249c730b99749b4ff22d2fb227788f6b876e5f1f96da6c5438553
  unzip_member "$whl" "$docs/docs.v1.json" "$ENV0_FIXTURES/google/docs.v1.json" \
    84c4667f2167bffb88801e6aa8b774f03f1e4b808fa065cd3b885057da1a9593
}
