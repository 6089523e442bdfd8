import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App.tsx';
import { CartProvider } from './cart.tsx';
import { SessionProvider } from './session.tsx';
import { createBrowserClient, TRPCProvider } from './trpc.ts';
import './styles.css';

function Root() {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          // 4xx answers are final; only a network failure or a 5xx is worth one more try.
          queries: { staleTime: 10_000, retry: (count, error) => count < 1 && !/^4/.test(httpStatusOf(error)) },
          mutations: { retry: false },
        },
      }),
  );
  const [trpcClient] = useState(createBrowserClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <BrowserRouter>
          <SessionProvider>
            <CartProvider>
              <App />
            </CartProvider>
          </SessionProvider>
        </BrowserRouter>
      </TRPCProvider>
    </QueryClientProvider>
  );
}

const httpStatusOf = (error: unknown) =>
  String((error as { data?: { httpStatus?: number } } | null)?.data?.httpStatus ?? '');

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <Root />
    </StrictMode>,
  );
