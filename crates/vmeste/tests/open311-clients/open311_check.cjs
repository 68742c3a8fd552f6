// Submits a request to the running server and reads it back with `open311`
// (npm), the Node Open311 client, in JSON mode: discovery, the service list,
// POST with the API key, the request by id and by token. Run by
// crates/vmeste/tests/it/open311_clients.rs; prints what it did as one line
// of JSON, last.
'use strict';

const assert = require('node:assert');
const { promisify } = require('node:util');
const Open311 = require('open311');

const [base, apiKey, jurisdiction, lat, long] = process.argv.slice(2);

async function main() {
  const city = new Open311({ discovery: `${base}/open311/discovery.json`, apiKey, jurisdiction });
  const discovery = await promisify(city.serviceDiscovery.bind(city))({ cache: true });
  assert.strictEqual(city.endpoint, `${base}/open311/v2/`, JSON.stringify(discovery));
  assert.strictEqual(city.format, 'json');

  const services = await promisify(city.serviceList.bind(city))();
  assert.ok(services.length > 20, JSON.stringify(services));
  const code = services[0].service_code;

  const submitted = await promisify(city.submitRequest.bind(city))({
    service_code: code,
    lat,
    long,
    description: 'Не работает уличное освещение на всей улице, темно с шести вечера',
    email: 'client-test@example.org',
  });
  const id = submitted[0].service_request_id;
  const token = submitted[0].token;
  assert.ok(id && token, JSON.stringify(submitted));

  const read = await promisify(city.serviceRequest.bind(city))(id);
  assert.strictEqual(read[0].service_request_id, id);
  assert.strictEqual(read[0].service_code, code);
  assert.ok(read[0].requested_datetime instanceof Date && !isNaN(read[0].requested_datetime));
  assert.ok(!JSON.stringify(read).includes('client-test@example.org'));

  const resolved = await promisify(city.token.bind(city))(token);
  assert.strictEqual(resolved[0].service_request_id, id);

  const list = await promisify(city.serviceRequests.bind(city))({ status: 'open' });
  assert.ok(list.length > 0 && list.every((r) => r.status === 'open'));

  console.log(JSON.stringify({ submitted: id, token, services: services.length, open: list.length }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
