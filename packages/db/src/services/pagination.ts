// Page-number pagination in the shape of Flask-SQLAlchemy's paginate(error_out=False).

export interface PageRequest {
  page?: number;
  perPage?: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  perPage: number;
  pages: number;
  hasNext: boolean;
  hasPrev: boolean;
}

export const MAX_PER_PAGE = 100;

/** Clamps the request to sane bounds; a page past the end yields empty items, never an error. */
export function pageWindow({ page = 1, perPage = 20 }: PageRequest) {
  const size = Math.min(Math.max(Math.trunc(perPage), 1), MAX_PER_PAGE);
  const number = Math.max(Math.trunc(page), 1);
  return { page: number, perPage: size, offset: (number - 1) * size, limit: size };
}

export function toPage<T>(items: T[], total: number, window: { page: number; perPage: number }): Page<T> {
  const pages = Math.ceil(total / window.perPage);
  return {
    items,
    total,
    page: window.page,
    perPage: window.perPage,
    pages,
    hasNext: window.page < pages,
    hasPrev: window.page > 1,
  };
}
