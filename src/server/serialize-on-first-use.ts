import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type SerializerFactory = ReturnType<typeof SerializerSelector>;

/** Fastify's own serializer builder (fast-json-stringify), made once. */
const buildSerializer = SerializerSelector();

/**
 * Fastify's serializer builder, compiling each response schema when the route first answers
 * with that status rather than while the server starts (as `compileOnFirstUse` does for request
 * schemas): every route documents its errors (401, 403, 404, 500, 503...), most are never
 * answered, and each compiled serializer costs start time and memory. A schema that cannot
 * compile fails its first answer instead of the start: the tests answer with every route.
 */
export const serializeOnFirstUse: SerializerFactory = (externalSchemas, options) => {
  const compile = buildSerializer(externalSchemas, options);
  return (route) => {
    let serialize: ((doc: unknown) => string) | undefined;
    return (doc) => {
      serialize ??= compile(route);
      return serialize(doc);
    };
  };
};
