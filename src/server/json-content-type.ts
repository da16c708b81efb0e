/**
 * The content type of every JSON answer: Fastify's own for a serialized body, so that an answer
 * fnode writes itself (errors, constant documents, answers outside Fastify) reads the same, and a
 * string sent with it goes out as it is.
 */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
