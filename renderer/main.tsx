// Must stay the first import: it configures zod before any schema module is evaluated.
import './lib/zod-config';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { createDefaultApiClient } from './lib/api-client';
import { connectQueryClient, createQueryClient } from './lib/query/query-client';
import './styles/tokens.css';
import './styles/base.css';

const api = createDefaultApiClient();
const queryClient = createQueryClient();
connectQueryClient(queryClient, api);

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
createRoot(container).render(<App api={api} queryClient={queryClient} />);
