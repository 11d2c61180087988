import type { KeyObject } from 'node:crypto';
import type { Context } from 'koa';
import { type SandboxSignType, signResponseText } from './alipay-signing.ts';

/** The fields of an OpenAPI answer, and how to sign it when Alipay would. */
export interface OpenApiAnswer {
  readonly fields: Readonly<Record<string, string>>;
  /** Set when Alipay would sign the answer: it knows the app and the request verified. */
  readonly signType?: SandboxSignType;
}

/**
 * `{"<key>":{…},"sign":"…"}` with HTTP 200, as Alipay answers: signed over the response object's exact
 * text, so the body is built around the string that was signed.
 */
export function sendOpenApiAnswer(ctx: Context, responseKey: string, answer: OpenApiAnswer, alipayKey: KeyObject): void {
  const objectText = JSON.stringify(answer.fields);
  const sign = answer.signType ? `,"sign":"${signResponseText(objectText, alipayKey, answer.signType)}"` : '';
  ctx.status = 200;
  ctx.type = 'application/json;charset=utf-8';
  ctx.body = `{"${responseKey}":${objectText}${sign}}`;
}

/** 40002: Alipay refuses the request itself, unsigned. */
export function refusedRequest(subCode: string, subMsg: string): OpenApiAnswer {
  return { fields: { code: '40002', msg: 'Invalid Arguments', sub_code: subCode, sub_msg: subMsg } };
}
