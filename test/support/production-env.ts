/** The least a production configuration needs: real-looking Alipay settings, https addresses, a strong password. */
export const PRODUCTION_ENV: Readonly<Record<string, string>> = {
  NODE_ENV: 'production',
  ALIPAY_APP_ID: '2021000000000002',
  ALIPAY_GATEWAY: 'https://openapi.alipay.com/gateway.do',
  ADMIN_PASSWORD: 'a long admin secret',
  PUBLIC_URL: 'https://pay.example.com',
  SHOP_URL: 'https://www.example.com',
};
