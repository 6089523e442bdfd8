// The cart: what a shopper is about to buy, kept in localStorage per signed-in user (a reload keeps it, and
// another person signing in on the same browser does not see it). A guest's cart moves into the cart of
// whoever signs in next, so "Sign in to check out" keeps it. Prices shown here are the catalog's; the server
// prices the order itself at checkout.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { useSession } from './session.tsx';

export interface CartLine {
  productId: number;
  name: string;
  price: string;
  quantity: number;
  /** Units left when the line was last changed: the most the cart offers. */
  stock: number;
}

interface Cart {
  lines: CartLine[];
  /** Units in the cart, for the header's badge. */
  count: number;
  add(line: Omit<CartLine, 'quantity'>, quantity?: number): void;
  setQuantity(productId: number, quantity: number): void;
  remove(productId: number): void;
  clear(): void;
}

const CartContext = createContext<Cart | null>(null);
const keyOf = (userId: number | null) => `shop-cart:${userId ?? 'guest'}`;

function read(key: string): CartLine[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(key) ?? '[]');
    return Array.isArray(parsed) ? (parsed as CartLine[]) : [];
  } catch {
    return [];
  }
}

/** `lines` with `line` added: its quantity on top of any already there, at most the units in stock. */
function addLine(lines: CartLine[], line: CartLine): CartLine[] {
  const existing = lines.find((l) => l.productId === line.productId);
  const quantity = Math.min((existing?.quantity ?? 0) + line.quantity, line.stock);
  return existing
    ? lines.map((l) => (l.productId === line.productId ? { ...l, ...line, quantity } : l))
    : [...lines, { ...line, quantity }];
}

export function CartProvider({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const key = keyOf(me?.id ?? null);
  const [lines, setLines] = useState<CartLine[]>(() => read(key));
  useEffect(() => {
    const guestKey = keyOf(null);
    const guest = key === guestKey ? [] : read(guestKey);
    if (guest.length === 0) return setLines(read(key));
    const merged = guest.reduce(addLine, read(key));
    localStorage.setItem(key, JSON.stringify(merged));
    localStorage.removeItem(guestKey);
    setLines(merged);
  }, [key]);
  const save = useCallback(
    (next: (current: CartLine[]) => CartLine[]) =>
      setLines((current) => {
        const updated = next(current).filter((line) => line.quantity > 0);
        localStorage.setItem(key, JSON.stringify(updated));
        return updated;
      }),
    [key],
  );
  const value = useMemo<Cart>(
    () => ({
      lines,
      count: lines.reduce((sum, line) => sum + line.quantity, 0),
      add: (line, quantity = 1) => save((current) => addLine(current, { ...line, quantity })),
      setQuantity: (productId, quantity) =>
        save((current) =>
          current.map((l) => (l.productId === productId ? { ...l, quantity: Math.min(quantity, l.stock) } : l)),
        ),
      remove: (productId) => save((current) => current.filter((l) => l.productId !== productId)),
      clear: () => save(() => []),
    }),
    [lines, save],
  );
  return <CartContext.Provider value={value}>{children}</CartContext.Provider>;
}

export function useCart(): Cart {
  const cart = useContext(CartContext);
  if (!cart) throw new Error('useCart outside CartProvider');
  return cart;
}
