// @ts-check
// What both servers send, and the framing protocol the frame server and its client speak.
//
// A frame is a u32 little-endian length (the bytes that follow it) and that many bytes, the
// shape of database and message-broker wire protocols. A request frame carries a u32 id; its
// response frame carries the same id and then payload bytes, `size` bytes in all with the
// header, so that a response fills a BytesPool class exactly (the sizes measured are powers of two).

export const REQUEST_SIZE = 8;
export const HEADER_SIZE = 8;

/**
 * The bytes every response of `size` bytes carries (an HTTP body, or a frame's payload after
 * its header): fixed per size, so that a client can check every byte it receives.
 * @param {number} size
 */
export function responseTemplate(size) {
  const template = Buffer.alloc(size);
  for (let i = 0; i < size; i++) template[i] = (i * 31 + 7) & 0xff;
  return template;
}

/**
 * Encodes the response to request `id` into `buf` (`template.length` bytes).
 * @param {Uint8Array} buf
 * @param {number} id
 * @param {Buffer} template
 */
export function encodeResponse(buf, id, template) {
  buf.set(template);
  writeU32(buf, 0, template.length - 4);
  writeU32(buf, 4, id);
}

/**
 * Buffer's writeUInt32LE, for any Uint8Array (the uint8array allocation mode has no Buffer methods).
 * @param {Uint8Array} buf
 * @param {number} offset
 * @param {number} value
 */
export function writeU32(buf, offset, value) {
  buf[offset] = value;
  buf[offset + 1] = value >>> 8;
  buf[offset + 2] = value >>> 16;
  buf[offset + 3] = value >>> 24;
}
