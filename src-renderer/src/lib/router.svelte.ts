// Hash routes, so the same build works from file:// (desktop) and http:// (web mode).
import { parseRoute, type Route } from './routes';

class Router {
  route = $state<Route>(parseRoute(location.hash));

  constructor() {
    window.addEventListener('hashchange', () => (this.route = parseRoute(location.hash)));
  }
}

export const router = new Router();
