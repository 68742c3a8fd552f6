#!/usr/bin/env python3
"""Posts random valid messages from several threads until stopped (SIGTERM)
and logs every one the server acknowledged with 201 as a JSON line
(id, topic_id, text), flushed before the next request. Connection errors
(the server being killed) are counted and retried: crash.sh checks afterwards
that every logged message is in the database as sent.

    ack_client.py URL_FILE DATA_JSON LOG [--threads 8]

URL_FILE holds the server's base URL, read again at every reconnection (a
restarted server may listen on another port).
"""
import argparse, http.client, json, random, signal, sys, threading, time, urllib.parse

WORDS = ("яма на дороге у дома не горит фонарь во дворе мусор не вывозят третью неделю "
         "прорвало трубу возле остановки сломана скамейка в парке открыт люк").split()

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url_file"); parser.add_argument("data"); parser.add_argument("log")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    data = json.load(open(args.data))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    log = open(args.log, "a", encoding="utf-8")
    lock = threading.Lock()
    counts = {"acknowledged": 0, "refused": 0, "failed": 0}

    def worker(n):
        rnd = random.Random(n * 7919 + time.time_ns())
        conn = None
        while not stop.is_set():
            topic = rnd.choice(data["topics"])
            lat, lon = rnd.choice(data["points"])
            text = f"Сбой {n}-{rnd.getrandbits(48):x}: " + " ".join(rnd.choices(WORDS, k=rnd.randint(4, 30)))
            body = json.dumps({"topic_id": topic, "text": text, "lat": lat, "lon": lon}, ensure_ascii=False)
            try:
                if conn is None:
                    url = urllib.parse.urlsplit(open(args.url_file).read().strip())
                    if not url.hostname:
                        raise OSError("no server address yet")
                    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
                conn.request("POST", "/api/v1/messages", body.encode(), {
                    "Authorization": "Bearer " + data["key"], "Content-Type": "application/json"})
                response = conn.getresponse()
                answer = response.read()
            except (OSError, http.client.HTTPException):
                counts["failed"] += 1
                conn = None
                time.sleep(0.05)
                continue
            if response.status == 201:
                line = json.dumps({"id": json.loads(answer)["id"], "topic_id": topic, "text": text},
                                  ensure_ascii=False)
                with lock:
                    log.write(line + "\n"); log.flush()
                    counts["acknowledged"] += 1
            else:
                counts["refused"] += 1
                print(f"status {response.status}: {answer[:300]!r}", file=sys.stderr)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.threads)]
    for t in threads: t.start()
    for t in threads: t.join()
    print(json.dumps(counts))

if __name__ == "__main__":
    main()
