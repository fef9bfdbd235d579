/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
'use strict';
/*
 * A minimal MQTT 3.1.1 client over WebSocket, for the console's live tail only: CONNECT, SUBSCRIBE at QoS 0,
 * incoming PUBLISH, PINGREQ. Hand-written rather than a library (MQTT.js, Paho JS) because the console ships as a
 * few static files inside the broker's jar: no third-party file in the repository, no npm or bundler at build or
 * run time, no CDN at run time. The subset a read-only tail needs is this one page of code.
 */
const MqttTail = (function () {
  const enc = new TextEncoder();
  const dec = new TextDecoder();

  function utf8Field(s) {
    const b = enc.encode(s);
    return [b.length >> 8, b.length & 0xff, ...b];
  }

  function packet(typeAndFlags, body) {
    const len = [];
    let n = body.length;
    do {
      let digit = n % 128;
      n = Math.floor(n / 128);
      if (n > 0) digit |= 0x80;
      len.push(digit);
    } while (n > 0);
    return new Uint8Array([typeAndFlags, ...len, ...body]);
  }

  function connectPacket(clientId, username, password, keepAlive) {
    let flags = 0x02; // clean session: the tail keeps no state in the broker
    const payload = utf8Field(clientId);
    if (username) { flags |= 0x80; payload.push(...utf8Field(username)); }
    if (username && password) { flags |= 0x40; payload.push(...utf8Field(password)); }
    const header = [...utf8Field('MQTT'), 4, flags, keepAlive >> 8, keepAlive & 0xff];
    return packet(0x10, [...header, ...payload]);
  }

  function subscribePacket(filter) {
    return packet(0x82, [0, 1, ...utf8Field(filter), 0]);
  }

  /** Splits a byte stream into MQTT packets: [type, flags, body] each, keeping an incomplete tail for later. */
  function reader(onPacket) {
    let buf = new Uint8Array(0);
    return function (chunk) {
      const joined = new Uint8Array(buf.length + chunk.length);
      joined.set(buf); joined.set(chunk, buf.length);
      buf = joined;
      for (;;) {
        let i = 1, mult = 1, len = 0, byte;
        do {
          if (i >= buf.length) return;
          byte = buf[i++];
          len += (byte & 0x7f) * mult;
          mult *= 128;
        } while (byte & 0x80);
        if (buf.length < i + len) return;
        onPacket(buf[0] >> 4, buf[0] & 0x0f, buf.subarray(i, i + len));
        buf = buf.slice(i + len);
      }
    };
  }

  /**
   * Connects to url, subscribes to filter, calls onMessage(topic, text) per message and onStatus(text) on changes.
   * Returns a function that stops the tail.
   */
  function tail(url, filter, opts, onMessage, onStatus) {
    const ws = new WebSocket(url, ['mqtt']);
    ws.binaryType = 'arraybuffer';
    let ping = null;
    const clientId = 'tributary-console-' + Math.random().toString(36).slice(2, 10);
    const send = (p) => ws.send(p);
    const read = reader(function (type, flags, body) {
      if (type === 2) { // CONNACK
        if (body[1] !== 0) { onStatus('refused by the broker (CONNACK return code ' + body[1] + ')'); ws.close(); return; }
        send(subscribePacket(filter));
      } else if (type === 9) { // SUBACK
        onStatus(body[2] === 0x80 ? 'subscription to ' + filter + ' refused' : 'tailing ' + filter);
      } else if (type === 3) { // PUBLISH
        const topicLen = (body[0] << 8) | body[1];
        const topic = dec.decode(body.subarray(2, 2 + topicLen));
        const qos = (flags >> 1) & 3;
        const start = 2 + topicLen + (qos > 0 ? 2 : 0);
        onMessage(topic, dec.decode(body.subarray(start)));
      }
    });
    ws.onopen = function () {
      onStatus('connecting');
      send(connectPacket(clientId, opts.username, opts.password, 60));
      ping = setInterval(() => send(new Uint8Array([0xc0, 0])), 30000);
    };
    ws.onmessage = (e) => read(new Uint8Array(e.data));
    ws.onerror = () => onStatus('WebSocket error at ' + url);
    ws.onclose = function () { clearInterval(ping); onStatus('closed'); };
    return function stop() { clearInterval(ping); if (ws.readyState <= 1) { send(new Uint8Array([0xe0, 0])); ws.close(); } };
  }

  return { tail: tail };
})();
