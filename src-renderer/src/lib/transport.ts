// What both transports provide: requests by channel, and subscriptions with renderer-chosen ids.
import type {
  RequestChannel,
  RequestOf,
  ResponseOf,
  SubscribeRequest,
  SubscriptionMessage,
} from '../../../src-main/ipc/contract';

export interface Transport {
  readonly kind: 'ipc' | 'websocket';
  call<C extends RequestChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  subscribe(request: SubscribeRequest, onMessage: (message: SubscriptionMessage) => void): Promise<void>;
  unsubscribe(id: string): Promise<void>;
}
