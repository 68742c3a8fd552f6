"""Reads the running server with `georeport` (PyPI), the Python Open311
client, in JSON and in XML: services, a definition, requests, one request.
Run by crates/vmeste/tests/it/open311_clients.rs with the server's address
and jurisdiction; prints what it saw as one line of JSON, last."""

import json
import sys

from georeport import GeoReport


def as_list(found):
    # xmltodict gives one element as a dict, several as a list.
    return found if isinstance(found, list) else [found]


def read(root, jurisdiction, output_format):
    client = GeoReport(root, jurisdiction=jurisdiction, output_format=output_format)
    services = as_list(client.get_service_list())
    assert len(services) > 20, services
    code = services[0]["service_code"]
    definition = client.get_service_definition(code)
    assert definition["service_code"] == code, definition

    requests = as_list(client.get_service_requests())
    assert len(requests) > 5, requests
    assert all(r["status"] in ("open", "closed") for r in requests), requests
    first = requests[0]
    one = as_list(client.get_service_request(first["service_request_id"]))[0]
    assert one["service_request_id"] == first["service_request_id"], one
    assert one["service_code"] == first["service_code"], one

    closed = as_list(client.get_service_requests(status="closed"))
    assert closed and all(r["status"] == "closed" for r in closed), closed
    on_topic = as_list(client.get_service_requests(service_code=first["service_code"]))
    assert all(r["service_code"] == first["service_code"] for r in on_topic), on_topic
    picked = ",".join(r["service_request_id"] for r in requests[:3])
    by_id = as_list(client.get_service_requests(service_request_id=picked))
    assert [r["service_request_id"] for r in by_id] == picked.split(","), by_id
    return {
        "services": len(services),
        "requests": len(requests),
        "closed": len(closed),
        "first": first["service_request_id"],
        "code": code,
    }


def main():
    base, jurisdiction = sys.argv[1], sys.argv[2]
    root = base + "/open311/v2"
    seen = {fmt: read(root, jurisdiction, fmt) for fmt in ("json", "xml")}
    assert seen["json"] == seen["xml"], seen
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
