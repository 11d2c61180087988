import type { SignedAnswer } from '../../application/ports/refund-gateway.ts';
import { boundedFetch, CallFailed } from './bounded-fetch.ts';
import { signedRequest } from './openapi-request.ts';
import type { RequestSigner } from './request-signer.ts';
import { readEnvelope } from './response-envelope.ts';

export interface OpenApiSettings {
  readonly appId: string;
  /** Alipay's gateway, or the local sandbox's. */
  readonly gatewayUrl: string;
  /** ALIPAY_HTTP_TIMEOUT: the whole call, answer read included. */
  readonly timeoutMs: number;
}

// An answer is a few hundred bytes; anything far larger is not Alipay's.
const MAX_ANSWER_BYTES = 256 * 1024;

/**
 * One OpenAPI call: a signed POST, and Alipay's answer with its response object cut out exactly as signed
 * (docs/alipay.md). Not verified here: the caller verifies. `sign` is '' for an unsigned answer.
 * @throws what `failed` makes of a timeout, an HTTP error or a body that is not Alipay's JSON
 */
export async function callOpenApi(
  { signer, settings, at }: { signer: RequestSigner; settings: OpenApiSettings; at: Date },
  method: string,
  bizContent: object,
  failed: (why: string) => Error,
): Promise<SignedAnswer> {
  const params = signedRequest(signer, { appId: settings.appId, method, at, bizContent });
  let body: Uint8Array;
  try {
    body = await boundedFetch(
      settings.gatewayUrl,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8' },
        body: new URLSearchParams(params).toString(),
      },
      { timeoutMs: settings.timeoutMs, maxBytes: MAX_ANSWER_BYTES, what: method },
    );
  } catch (error) {
    throw error instanceof CallFailed ? failed(error.message) : error;
  }
  const envelope = readEnvelope(body, `${method.replaceAll('.', '_')}_response`);
  if (typeof envelope === 'string') throw failed(envelope);
  const fields = new Map(
    Object.entries(envelope.response).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]),
  );
  return { raw: body, fields, sign: envelope.sign, signedContents: [envelope.signedBytes] };
}
