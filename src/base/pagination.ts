import { z } from "@hono/zod-openapi";
import { notFound } from "./errors";

/** `page` and `page_size` query fields with the list's own default and cap. */
export function pageQueryFields(defaultSize: number, maxSize: number) {
  return {
    page: z.coerce.number().int().min(1).default(1).openapi({ example: 1 }),
    page_size: z.coerce.number().int().min(1).max(maxSize).default(defaultSize).openapi({ example: defaultSize }),
  };
}

export type PageRequest = { page: number; page_size: number };

export function pageBounds({ page, page_size }: PageRequest) {
  return { limit: page_size, offset: (page - 1) * page_size };
}

export function pageEnvelopeSchema<T extends z.ZodType>(item: T) {
  return z.object({
    count: z.number().int(),
    next: z.string().nullable(),
    previous: z.string().nullable(),
    results: z.array(item),
  });
}

/**
 * The `{count, next, previous, results}` envelope with absolute links that keep every other
 * query parameter. A page past the end is a 404, as the platform's API has always answered.
 */
export function pageEnvelope<T>(requestUrl: string, request: PageRequest, count: number, results: T[]) {
  const lastPage = Math.max(1, Math.ceil(count / request.page_size));
  if (request.page > lastPage) throw notFound("Invalid page.");
  const link = (page: number) => {
    const url = new URL(requestUrl);
    url.searchParams.set("page", String(page));
    return url.toString();
  };
  return {
    count,
    next: request.page < lastPage ? link(request.page + 1) : null,
    previous: request.page > 1 ? link(request.page - 1) : null,
    results,
  };
}
