// Publishes one plain JSON body to a contract exchange exactly as contracts/README.md documents for an
// outside publisher: content_type application/json, a message_id, the connection's user as user_id,
// persistent, and a publisher confirm before it exits.
//
//   node publish.mjs AMQP_URL EXCHANGE BODY_FILE MESSAGE_ID [USER_ID]
import { readFile } from 'node:fs/promises';
import amqp from 'amqplib';

const [url, exchange, bodyFile, messageId, userId] = process.argv.slice(2);
if (!url || !exchange || !bodyFile || !messageId) {
  console.error('usage: node publish.mjs AMQP_URL EXCHANGE BODY_FILE MESSAGE_ID [USER_ID]');
  process.exit(2);
}

const body = await readFile(bodyFile);
const connection = await amqp.connect(url);
try {
  const channel = await connection.createConfirmChannel();
  const properties = { contentType: 'application/json', messageId, persistent: true };
  if (userId) {
    properties.userId = userId;
  }
  channel.publish(exchange, '', body, properties);
  await channel.waitForConfirms();
  console.log(`published ${messageId} to ${exchange}`);
} finally {
  await connection.close();
}
