// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
//
// MQTT.js, the client browser apps use, against a Tributary node: connects to the URL given (ws:// or wss://),
// subscribes, publishes at QoS 1 and waits for its own message. Prints one line and exits 0 on success, 1 otherwise.
// Usage: node roundtrip.mjs <url> <topic> [ca.pem] [protocolVersion]
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';

const [url, topic, caFile, version] = process.argv.slice(2);
const payload = `mqttjs-${process.pid}-${Date.now()}`;
const options = {
  clientId: `mqttjs-${process.pid}`,
  protocolVersion: Number(version ?? 5),
  reconnectPeriod: 0,
  connectTimeout: 10_000,
};
if (caFile) {
  options.ca = readFileSync(caFile);
}

const timer = setTimeout(() => fail(new Error('no round trip within 20 s')), 20_000);

function fail(error) {
  console.error(`FAILED ${url}: ${error.message}`);
  process.exit(1);
}

const client = mqtt.connect(url, options);
client.on('error', fail);
client.on('message', (receivedTopic, message) => {
  if (receivedTopic === topic && message.toString() === payload) {
    clearTimeout(timer);
    console.log(`OK ${url} protocol ${options.protocolVersion}: ${receivedTopic} ${message}`);
    client.end(false, () => process.exit(0));
  }
});
client.on('connect', async () => {
  try {
    await client.subscribeAsync(topic, { qos: 1 });
    await client.publishAsync(topic, payload, { qos: 1 });
  } catch (error) {
    fail(error);
  }
});
