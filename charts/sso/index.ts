/**
 * Single sign-on for every platform UI, enforced at the gateway (Envoy Gateway SecurityPolicy with
 * OIDC) so no UI can be reached without it, whatever the UI itself does.
 */
export * from './platform-ui-route';
