"""google-api-python-client, built from the discovery documents it ships, against env0 serve."""

import base64
import email.message
import email.policy

import httplib2
import pytest
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError


def service(world, name, version, service_path):
    # api_endpoint replaces the discovery document's rootUrl + servicePath.
    return build(
        name,
        version,
        http=httplib2.Http(timeout=30),
        static_discovery=True,
        client_options={"api_endpoint": f"{world.base}/{service_path}"},
    )


def gmail(world):
    return service(world, "gmail", "v1", "")


def test_gmail_list_with_query_and_paging(world):
    g = gmail(world)
    ids, token = [], None
    for _ in range(50):
        resp = g.users().messages().list(userId="me", maxResults=7, pageToken=token).execute()
        ids += [m["id"] for m in resp.get("messages", [])]
        token = resp.get("nextPageToken")
        if not token:
            break
    assert len(ids) > 7 and len(ids) == len(set(ids))
    unread = g.users().messages().list(userId="me", q="is:unread").execute()
    for m in unread.get("messages", [])[:3]:
        full = g.users().messages().get(userId="me", id=m["id"], format="full").execute()
        assert "UNREAD" in full["labelIds"]
        assert any(h["name"].lower() == "subject" for h in full["payload"]["headers"])


def test_gmail_send_a_mime_message_with_an_attachment(world):
    msg = email.message.EmailMessage(policy=email.policy.SMTP)
    msg["To"] = "priya@nexusai.com"
    msg["Subject"] = "Q3 numbers"
    msg.set_content("Numbers attached.")
    msg.add_attachment(b"region,total\nemea,12\n", maintype="text", subtype="csv", filename="q3.csv")
    raw = base64.urlsafe_b64encode(msg.as_bytes()).decode()
    g = gmail(world)
    sent = g.users().messages().send(userId="me", body={"raw": raw}).execute()
    assert "SENT" in sent["labelIds"]
    got = g.users().messages().get(userId="me", id=sent["id"], format="full").execute()
    headers = {h["name"].lower(): h["value"] for h in got["payload"]["headers"]}
    assert headers["subject"] == "Q3 numbers"
    names = [p.get("filename") for p in got["payload"].get("parts", [])]
    assert "q3.csv" in names


def test_gmail_labels_modify_and_drafts(world):
    g = gmail(world)
    label = g.users().labels().create(userId="me", body={"name": "Receipts"}).execute()
    first = g.users().messages().list(userId="me", maxResults=1).execute()["messages"][0]
    g.users().messages().modify(userId="me", id=first["id"], body={"addLabelIds": [label["id"]]}).execute()
    tagged = g.users().messages().list(userId="me", labelIds=[label["id"]]).execute()
    assert [m["id"] for m in tagged["messages"]] == [first["id"]]
    raw = base64.urlsafe_b64encode(b"To: sam@nexusai.com\r\nSubject: later\r\n\r\ndraft body").decode()
    draft = g.users().drafts().create(userId="me", body={"message": {"raw": raw}}).execute()
    drafts = g.users().drafts().list(userId="me").execute()["drafts"]
    assert draft["id"] in [d["id"] for d in drafts]


def test_gmail_errors_raise_http_error_with_the_google_shape(world):
    with pytest.raises(HttpError) as err:
        gmail(world).users().messages().get(userId="me", id="does-not-exist").execute()
    assert err.value.resp.status == 404
    assert err.value.error_details or err.value.reason


def test_calendar_insert_with_time_zone_patch_delete_and_freebusy(world):
    cal = service(world, "calendar", "v3", "calendar/v3/")
    event = cal.events().insert(
        calendarId="primary",
        body={
            "summary": "Design review",
            "start": {"dateTime": "2026-03-18T10:00:00", "timeZone": "America/Los_Angeles"},
            "end": {"dateTime": "2026-03-18T11:00:00", "timeZone": "America/Los_Angeles"},
        },
    ).execute()
    assert event["summary"] == "Design review"
    patched = cal.events().patch(calendarId="primary", eventId=event["id"], body={"location": "Room 4"}).execute()
    assert patched["location"] == "Room 4"
    listed = cal.events().list(
        calendarId="primary",
        timeMin="2026-03-18T00:00:00Z",
        timeMax="2026-03-19T00:00:00Z",
        singleEvents=True,
        orderBy="startTime",
    ).execute()
    assert event["id"] in [e["id"] for e in listed["items"]]
    busy = cal.freebusy().query(
        body={
            "timeMin": "2026-03-18T00:00:00Z",
            "timeMax": "2026-03-19T00:00:00Z",
            "items": [{"id": "primary"}],
        }
    ).execute()
    assert any(b["start"].startswith("2026-03-18T17:00") for b in busy["calendars"]["primary"]["busy"])
    cal.events().delete(calendarId="primary", eventId=event["id"]).execute()
    gone = cal.events().get(calendarId="primary", eventId=event["id"]).execute()
    assert gone["status"] == "cancelled"


def test_drive_query_paging_create_and_share(world):
    drive = service(world, "drive", "v3", "drive/v3/")
    ids, token = [], None
    for _ in range(50):
        resp = drive.files().list(q="trashed = false", pageSize=5, pageToken=token, fields="nextPageToken, files(id, name)").execute()
        ids += [f["id"] for f in resp["files"]]
        token = resp.get("nextPageToken")
        if not token:
            break
    assert len(ids) > 5 and len(ids) == len(set(ids))
    folder = drive.files().create(body={"name": "Board pack", "mimeType": "application/vnd.google-apps.folder"}).execute()
    found = drive.files().list(q="name = 'Board pack' and mimeType = 'application/vnd.google-apps.folder'").execute()
    assert [f["id"] for f in found["files"]] == [folder["id"]]
    perm = drive.permissions().create(fileId=folder["id"], body={"type": "user", "role": "reader", "emailAddress": "priya@nexusai.com"}).execute()
    perms = drive.permissions().list(fileId=folder["id"]).execute()["permissions"]
    assert perm["id"] in [p["id"] for p in perms]


def test_docs_get_and_batch_update(world):
    drive = service(world, "drive", "v3", "drive/v3/")
    docs = service(world, "docs", "v1", "")
    doc_files = drive.files().list(q="mimeType = 'application/vnd.google-apps.document' and 'me' in owners", pageSize=1).execute()["files"]
    doc_id = doc_files[0]["id"]
    doc = docs.documents().get(documentId=doc_id).execute()
    assert doc["documentId"] == doc_id
    docs.documents().batchUpdate(
        documentId=doc_id,
        body={"requests": [{"insertText": {"location": {"index": 1}, "text": "Agenda: "}}]},
    ).execute()
    after = docs.documents().get(documentId=doc_id).execute()
    first = after["body"]["content"][1]["paragraph"]["elements"][0]["textRun"]["content"]
    assert first.startswith("Agenda: ")


def test_gmail_get_raw_round_trips_the_message(world):
    g = gmail(world)
    raw = base64.urlsafe_b64encode(b"To: priya@nexusai.com\r\nSubject: raw check\r\n\r\nhello raw").decode()
    sent = g.users().messages().send(userId="me", body={"raw": raw}).execute()
    got = g.users().messages().get(userId="me", id=sent["id"], format="raw").execute()
    decoded = base64.urlsafe_b64decode(got["raw"] + "=" * (-len(got["raw"]) % 4))
    parsed = email.message_from_bytes(decoded, policy=email.policy.default)
    assert parsed["Subject"] == "raw check"
    assert "hello raw" in parsed.get_content()


def test_calendar_recurring_event_and_its_instances(world):
    cal = service(world, "calendar", "v3", "calendar/v3/")
    series = cal.events().insert(
        calendarId="primary",
        body={
            "summary": "Standup",
            "start": {"dateTime": "2026-03-17T09:00:00", "timeZone": "America/Los_Angeles"},
            "end": {"dateTime": "2026-03-17T09:15:00", "timeZone": "America/Los_Angeles"},
            "recurrence": ["RRULE:FREQ=DAILY;COUNT=5"],
        },
    ).execute()
    instances = cal.events().instances(calendarId="primary", eventId=series["id"]).execute()["items"]
    assert len(instances) == 5
    assert all(i["recurringEventId"] == series["id"] for i in instances)
    expanded = cal.events().list(
        calendarId="primary",
        singleEvents=True,
        orderBy="startTime",
        timeMin="2026-03-17T00:00:00Z",
        timeMax="2026-03-22T00:00:00Z",
        q="Standup",
    ).execute()["items"]
    assert len([e for e in expanded if e.get("recurringEventId") == series["id"]]) == 5


def test_drive_export_a_doc_as_text(world):
    drive = service(world, "drive", "v3", "drive/v3/")
    docs = service(world, "docs", "v1", "")
    doc_id = drive.files().list(
        q="mimeType = 'application/vnd.google-apps.document' and 'me' in owners", pageSize=1
    ).execute()["files"][0]["id"]
    doc = docs.documents().get(documentId=doc_id).execute()
    runs = [
        el["textRun"]["content"].strip()
        for block in doc["body"]["content"]
        for el in block.get("paragraph", {}).get("elements", [])
        if el.get("textRun", {}).get("content", "").strip()
    ]
    text = drive.files().export(fileId=doc_id, mimeType="text/plain").execute()
    assert isinstance(text, bytes)
    # The export holds the text the Docs API shows.
    assert runs and all(r in text.decode() for r in runs[:3])


def test_fields_partial_responses_on_gmail_and_calendar(world):
    listed = gmail(world).users().messages().list(userId="me", maxResults=2, fields="messages(id)").execute()
    assert list(listed) == ["messages"]
    assert all(list(m) == ["id"] for m in listed["messages"])
    cal = service(world, "calendar", "v3", "calendar/v3/")
    events = cal.events().list(calendarId="primary", maxResults=3, fields="items(id)").execute()
    assert list(events) == ["items"]
    assert all(list(e) == ["id"] for e in events["items"])


def rooted(world, document):
    """A service built from the discovery document the library ships, its rootUrl pointed at the
    world: media uploads (rootUrl + "upload/...") and batches (rootUrl + batchPath) are not moved
    by an api_endpoint override (the library swaps only the host and keeps https)."""
    import json
    import pathlib

    import googleapiclient
    from googleapiclient.discovery import build_from_document
    from googleapiclient.http import build_http

    doc = pathlib.Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / document
    desc = json.loads(doc.read_text())
    desc["rootUrl"] = f"{world.base}/"
    # build_http, as the library's own default: it stops httplib2 from following the 308s that
    # resumable uploads answer while bytes are missing.
    return build_from_document(desc, http=build_http())


def drive_with_media(world):
    return rooted(world, "drive.v3.json")


def download(drive, file_id):
    import io

    from googleapiclient.http import MediaIoBaseDownload

    out = io.BytesIO()
    loader = MediaIoBaseDownload(out, drive.files().get_media(fileId=file_id))
    done = False
    while not done:
        _, done = loader.next_chunk()
    return out.getvalue()


def test_drive_media_upload_multipart_and_resumable_then_download(world):
    import io

    from googleapiclient.http import MediaIoBaseUpload

    drive = drive_with_media(world)
    csv = "region,total\nemea,12\namer,40\n".encode()
    small = MediaIoBaseUpload(io.BytesIO(csv), mimetype="text/csv", resumable=False)
    made = drive.files().create(body={"name": "totals.csv"}, media_body=small, fields="id, name, mimeType, size").execute()
    assert made["name"] == "totals.csv" and made["mimeType"] == "text/csv" and made["size"] == str(len(csv))
    assert download(drive, made["id"]) == csv

    # Resumable, in three chunks: the client sends Content-Range pieces and follows 308s.
    text = ("".join(f"line {i}: the quarterly notes continue\n" for i in range(16000))).encode()
    assert len(text) > 2 * 256 * 1024
    big = MediaIoBaseUpload(io.BytesIO(text), mimetype="text/plain", chunksize=256 * 1024, resumable=True)
    request = drive.files().create(body={"name": "notes.txt"}, media_body=big, fields="id, size")
    response, chunks = None, 0
    while response is None:
        _, response = request.next_chunk()
        chunks += 1
    assert chunks == 3
    assert response["size"] == str(len(text))
    assert download(drive, response["id"]) == text

    # A resumable update of the content of an existing file.
    new = MediaIoBaseUpload(io.BytesIO(b"region,total\nemea,13\n"), mimetype="text/csv", resumable=True)
    drive.files().update(fileId=made["id"], media_body=new).execute()
    assert download(drive, made["id"]) == b"region,total\nemea,13\n"


def test_drive_binary_content_round_trips_simple_multipart_and_resumable(world):
    import io
    import random

    from googleapiclient.http import MediaIoBaseUpload

    drive = drive_with_media(world)
    rng = random.Random(7)
    # Not UTF-8 (a PNG signature, every byte value, random bytes), bigger than two chunks.
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) + bytes(rng.getrandbits(8) for _ in range(600_000))
    with pytest.raises(UnicodeDecodeError):
        png.decode("utf-8")

    simple = drive.files().create(media_body=MediaIoBaseUpload(io.BytesIO(png[:5000]), mimetype="image/png"), fields="id, mimeType, size").execute()
    assert simple["mimeType"] == "image/png" and simple["size"] == "5000"
    assert download(drive, simple["id"]) == png[:5000]

    multipart = MediaIoBaseUpload(io.BytesIO(png), mimetype="image/png", resumable=False)
    made = drive.files().create(body={"name": "chart.png"}, media_body=multipart, fields="id, size").execute()
    assert made["size"] == str(len(png))
    assert download(drive, made["id"]) == png

    resumable = MediaIoBaseUpload(io.BytesIO(png), mimetype="image/png", chunksize=256 * 1024, resumable=True)
    request = drive.files().create(body={"name": "chart-2.png"}, media_body=resumable, fields="id, size")
    response = None
    while response is None:
        _, response = request.next_chunk()
    assert response["size"] == str(len(png))
    assert download(drive, response["id"]) == png

    # New bytes for an existing file; the old ones stay in its first revision.
    flipped = bytes(255 - b for b in png[:70_000])
    drive.files().update(fileId=made["id"], media_body=MediaIoBaseUpload(io.BytesIO(flipped), mimetype="image/png")).execute()
    assert download(drive, made["id"]) == flipped
    revisions = drive.revisions().list(fileId=made["id"]).execute()["revisions"]
    assert [r["size"] for r in revisions] == [str(len(png)), str(len(flipped))]
    first = drive.revisions().get_media(fileId=made["id"], revisionId=revisions[0]["id"]).execute()
    assert first == png


def test_gmail_batch_get_and_create_with_a_failing_part(world):
    g = rooted(world, "gmail.v1.json")
    ids = [m["id"] for m in g.users().messages().list(userId="me", maxResults=3).execute()["messages"]]
    got = {}

    def keep(request_id, response, exception):
        got[request_id] = (response, exception)

    batch = g.new_batch_http_request(callback=keep)
    for i in ids:
        batch.add(g.users().messages().get(userId="me", id=i, format="metadata"), request_id=i)
    batch.add(g.users().messages().get(userId="me", id="0000000000000000"), request_id="missing")
    batch.add(g.users().labels().create(userId="me", body={"name": "Batched"}), request_id="label")
    batch.execute()
    assert set(got) == set(ids) | {"missing", "label"}
    for i in ids:
        response, exception = got[i]
        assert exception is None and response["id"] == i and "payload" in response
    response, exception = got["missing"]
    assert response is None and isinstance(exception, HttpError) and exception.resp.status == 404
    label = got["label"][0]
    names = [l["name"] for l in g.users().labels().list(userId="me").execute()["labels"]]
    assert label["name"] == "Batched" and "Batched" in names


def test_gmail_media_upload_send_draft_and_resumable(world):
    import io

    from googleapiclient.http import MediaIoBaseUpload

    g = rooted(world, "gmail.v1.json")
    msg = email.message.EmailMessage()
    msg["To"] = "priya@nexusai.com"
    msg["Subject"] = "Uploaded as message/rfc822"
    msg.set_content("Sent as media, not as raw JSON.")
    msg.add_attachment(b"a,b\n1,2\n", maintype="text", subtype="csv", filename="t.csv")
    data = msg.as_bytes(policy=email.policy.SMTP)

    media = MediaIoBaseUpload(io.BytesIO(data), mimetype="message/rfc822", resumable=False)
    sent = g.users().messages().send(userId="me", media_body=media).execute()
    got = g.users().messages().get(userId="me", id=sent["id"]).execute()
    assert "SENT" in got["labelIds"]
    headers = {h["name"]: h["value"] for h in got["payload"]["headers"]}
    assert headers["Subject"] == "Uploaded as message/rfc822"
    assert [p["filename"] for p in got["payload"]["parts"] if p.get("filename")] == ["t.csv"]

    # Metadata and media together (multipart): a draft in a thread.
    media = MediaIoBaseUpload(io.BytesIO(data), mimetype="message/rfc822", resumable=False)
    draft = g.users().drafts().create(userId="me", body={"message": {"threadId": sent["threadId"]}}, media_body=media).execute()
    assert draft["message"]["threadId"] == sent["threadId"]

    # Resumable: the session is the server's; the world gets one multipart upload.
    media = MediaIoBaseUpload(io.BytesIO(data), mimetype="message/rfc822", resumable=True)
    again = g.users().messages().send(userId="me", media_body=media).execute()
    assert again["id"] != sent["id"] and "SENT" in again["labelIds"]

    # Only message/* media is a message.
    with pytest.raises(HttpError) as err:
        g.users().messages().send(userId="me", media_body=MediaIoBaseUpload(io.BytesIO(b"hi"), mimetype="text/plain")).execute()
    assert err.value.resp.status == 400


def test_google_auth_refreshes_the_same_token_and_sees_url_scopes(world):
    """The OAuth code flow with PKCE over HTTP (the consent decision as a browser would post it),
    then google-auth's own Credentials.refresh against the world's token endpoint, twice with the
    same refresh token, and the access token used by the Gmail client."""
    import hashlib
    import json
    import secrets
    import urllib.parse
    import urllib.request

    import google_auth_httplib2
    from google.oauth2.credentials import Credentials

    scopes = ["https://www.googleapis.com/auth/gmail.readonly", "openid"]
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    redirect = "http://127.0.0.1:8765/callback"
    query = urllib.parse.urlencode({
        "client_id": "env0-agent", "redirect_uri": redirect, "response_type": "code",
        "scope": " ".join(scopes), "state": "s1", "code_challenge": challenge, "code_challenge_method": "S256",
    })
    with urllib.request.urlopen(f"{world.base}/o/oauth2/v2/auth?{query}") as resp:
        screen = json.loads(resp.read())
    decision = dict(screen["decision_params"], decision="allow")
    req = urllib.request.Request(f"{world.base}/o/oauth2/v2/auth/callback", data=json.dumps(decision).encode(), method="POST")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req) as resp:
        code = json.loads(resp.read())["code"]
    form = urllib.parse.urlencode({
        "grant_type": "authorization_code", "client_id": "env0-agent", "code": code,
        "redirect_uri": redirect, "code_verifier": verifier,
    }).encode()
    with urllib.request.urlopen(urllib.request.Request(f"{world.base}/oauth2/token", data=form, method="POST")) as resp:
        tokens = json.loads(resp.read())
    assert sorted(tokens["scope"].split()) == sorted(scopes)

    creds = Credentials(
        token=None, refresh_token=tokens["refresh_token"], token_uri=f"{world.base}/oauth2/token",
        # A public (PKCE) client has no secret; google-auth wants the field set all the same.
        client_id="env0-agent", client_secret="", scopes=scopes,
    )
    http_request = google_auth_httplib2.Request(httplib2.Http(timeout=30))
    # google-auth raises RefreshError when a requested scope is missing from the answer's `scope`.
    creds.refresh(http_request)
    first = creds.token
    creds.refresh(http_request)
    assert creds.token != first and creds.refresh_token == tokens["refresh_token"]
    g = build("gmail", "v1", http=google_auth_httplib2.AuthorizedHttp(creds, http=httplib2.Http(timeout=30)),
              static_discovery=True, client_options={"api_endpoint": f"{world.base}/"})
    assert g.users().messages().list(userId="me", maxResults=2).execute()["messages"]
