import { expect, it } from 'vitest';
import { bootExampleApp, connect } from 'example-strapi-app/testing';

it('boots twice', async () => {
  let t = Date.now();
  const a = await bootExampleApp({ seed: false, ioConfig: { contentTypes: ['api::article.article'], limits: { messagesPerSecond: 100000, messageBurst: 100000, disconnectAfterRefused: 100000 } } });
  console.log('boot A', Date.now() - t);
  const s = await connect(a.url);
  console.log(await s.emitWithAck('io:ping'));
  s.close();
  t = Date.now();
  await a.stop();
  console.log('stop A', Date.now() - t);
  t = Date.now();
  const b = await bootExampleApp({ seed: false, ioConfig: { contentTypes: ['api::article.article'] } });
  console.log('boot B', Date.now() - t);
  const s2 = await connect(b.url);
  const answers = await Promise.all(Array.from({ length: 200 }, () => s2.timeout(5000).emitWithAck('io:ping')));
  console.log(answers.filter((x: any) => !x.success).length, answers[199]);
  s2.close();
  await b.stop();
}, 120000);
