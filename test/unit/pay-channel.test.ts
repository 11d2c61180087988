import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { payChannelFor } from '../../src/interfaces/http/shopper/pay-channel.ts';

const PHONES = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 13; V2227A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/101.0.4951.74 Mobile Safari/537.36 MicroMessenger/8.0.40',
  'Mozilla/5.0 (Linux; U; Android 12; zh-CN; HUAWEI) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 AlipayClient/10.5.30',
  'Mozilla/5.0 (Phone; OpenHarmony 4.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 Mobile HarmonyOS',
];
const NOT_PHONES = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; SM-X910) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Linux; Android 10; HarmonyOS; BAH3-W09; HMSCore 6.13.0.302) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/14.0.5.302 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.138 Safari/537.36 NetType/WIFI MicroMessenger/7.0.20.1781(0x6700143B) WindowsWechat(0x63090a13)',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) MicroMessenger/6.8.0(0x16080000) MacWechat/3.8.7(0x13080710) Safari/605.1.15 NetType/WIFI',
  'curl/8.5.0',
  '',
];

describe('payChannelFor', () => {
  it('gives phones wap pay, and desktops, tablets, scripts and no User-Agent page pay', () => {
    for (const agent of PHONES) assert.equal(payChannelFor(agent, undefined), 'wap', agent);
    for (const agent of NOT_PHONES) assert.equal(payChannelFor(agent, undefined), 'page', agent);
    assert.equal(payChannelFor(undefined, undefined), 'page');
  });

  it('reads only the start of a User-Agent, so that a huge one costs no more than a short one', () => {
    assert.equal(payChannelFor(`${'Android '.repeat(2_000)}Mobile`, undefined), 'page', 'Mobile past the part read');
    assert.equal(payChannelFor(`iPhone ${'x'.repeat(16_000)}`, undefined), 'wap');
  });

  it('lets ?channel= choose, and names anything else it was given', () => {
    assert.equal(payChannelFor(PHONES[0], 'page'), 'page');
    assert.equal(payChannelFor(NOT_PHONES[0], 'wap'), 'wap');
    for (const value of ['', 'WAP', 'app', 'wap,page']) assert.deepEqual(payChannelFor(PHONES[0], value), { invalid: value });
  });
});
