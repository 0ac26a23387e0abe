export { httpServiceHandler, ServiceCallError, type HttpServiceOptions } from './http-service-handler';
export { decodeJsonBindings, ServiceResponseError } from './sparql-json-results';
