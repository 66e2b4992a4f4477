/**
 * NICEPAY's published sandbox merchant, which the simulator always registers, so code written
 * against NICEPAY's sandbox (NICEPAY's official SDKs included) works against it unchanged.
 *
 * None of this is secret: NICEPAY prints the client secret and the 1024-bit private key in its SDK
 * READMEs and tests, labelled "for testing purposes only". Never use them outside a sandbox.
 */

/**
 * The demo merchant id.
 */
export const CLIENT_ID = "IONPAYTEST"

/**
 * NICEPAY's published sandbox client secret for `IONPAYTEST`.
 */
export const CLIENT_SECRET =
  "33F49GnCMS1mFYlGXisbUDzVf2ATWCl9k3R++d5hDd3Frmuos/XLx8XhXpe+LDYAbpGKZYSwtlyyLOtS/8aD7A=="

/**
 * NICEPAY's published 1024-bit sandbox private key for `IONPAYTEST` (PKCS#8), key K1 of the
 * reference.
 */
export const PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAInJe1G22R2fMchIE6BjtYRqyMj6lurP/zq6vy79WaiGKt0Fxs4q3Ab4ifmOXd97ynS5f0JRfIqakXDcV/e2rx9bFdsS2HORY7o5At7D5E3tkyNM9smI/7dk8d3O0fyeZyrmPMySghzgkR3oMEDW1TCD5q63Hh/oq0LKZ/4Jjcb9AgMBAAECgYA4Boz2NPsjaE+9uFECrohoR2NNFVe4Msr8/mIuoSWLuMJFDMxBmHvO+dBggNr6vEMeIy7zsF6LnT32PiImv0mFRY5fRD5iLAAlIdh8ux9NXDIHgyera/PW4nyMaz2uC67MRm7uhCTKfDAJK7LXqrNVDlIBFdweH5uzmrPBn77foQJBAMPCnCzR9vIfqbk7gQaA0hVnXL3qBQPMmHaeIk0BMAfXTVq37PUfryo+80XXgEP1mN/e7f10GDUPFiVw6Wfwz38CQQC0L+xoxraftGnwFcVN1cK/MwqGS+DYNXnddo7Hu3+RShUjCz5E5NzVWH5yHu0E0Zt3sdYD2t7u7HSr9wn96OeDAkEApzB6eb0JD1kDd3PeilNTGXyhtIE9rzT5sbT0zpeJEelL44LaGa/pxkblNm0K2v/ShMC8uY6Bbi9oVqnMbj04uQJAJDIgTmfkla5bPZRR/zG6nkf1jEa/0w7i/R7szaiXlqsIFfMTPimvRtgxBmG6ASbOETxTHpEgCWTMhyLoCe54WwJATmPDSXk4APUQNvX5rr5OSfGWEOo67cKBvp5Wst+tpvc6AbIJeiRFlKF4fXYTb6HtiuulgwQNePuvlzlt2Q8hqQ==
-----END PRIVATE KEY-----`

/**
 * The public half of `PRIVATE_KEY` (SPKI), registered for the demo merchant.
 */
export const PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCJyXtRttkdnzHISBOgY7WEasjI
+pbqz/86ur8u/VmohirdBcbOKtwG+In5jl3fe8p0uX9CUXyKmpFw3Ff3tq8fWxXb
EthzkWO6OQLew+RN7ZMjTPbJiP+3ZPHdztH8nmcq5jzMkoIc4JEd6DBA1tUwg+au
tx4f6KtCymf+CY3G/QIDAQAB
-----END PUBLIC KEY-----`

/**
 * The demo merchant's starting balance: Rp 1.000.000.000.
 */
export const BALANCE = 1_000_000_000
