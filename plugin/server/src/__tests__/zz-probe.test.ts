import { it } from 'vitest';
import { useExampleApp, createApiToken, createRole, createUser } from 'example-strapi-app/testing';

const example = useExampleApp({ seed: false });
it('probe', async () => {
  const app = example.app;
  const A = 'api::article.article';
  const C = 'api::category.category';
  const roleB = await createRole(app.strapi, [`${A}.find`, `${A}.findOne`]);
  const b = await createUser(app.strapi, { roleId: roleB.id });
  const custom = await createApiToken(app.strapi, 'custom', [`${A}.find`]);
  const ro = await createApiToken(app.strapi, 'read-only');
  const cat = await app.strapi.documents(C).create({ data: { name: 'N', slug: 'n' } });
  const pub = await app.strapi.documents(A).create({ data: { title: 'P', internalNotes: 'secret', category: cat.documentId }, status: 'published' });
  const draft = await app.strapi.documents(A).create({ data: { title: 'D', internalNotes: 'secret', category: cat.documentId } });
  const get = async (path: string, token?: string) => {
    const r = await fetch(app.url + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return `${r.status} ${(await r.text()).slice(0, 400)}`;
  };
  for (const [name, tok] of [['public', undefined], ['roleB', b.jwt], ['custom', custom.accessKey], ['ro', ro.accessKey]] as const) {
    console.log(name, 'list pop', await get(`/api/articles?populate=category&filters[documentId][$eq]=${pub.documentId}`, tok));
    console.log(name, 'findOne pop', await get(`/api/articles/${pub.documentId}?populate=category`, tok));
    console.log(name, 'list draft', await get(`/api/articles?status=draft&populate=category&filters[documentId][$eq]=${draft.documentId}`, tok));
    console.log(name, 'findOne draft', await get(`/api/articles/${draft.documentId}?status=draft`, tok));
    console.log(name, 'findOne draft no status', await get(`/api/articles/${draft.documentId}`, tok));
    console.log(name, 'filter by cat', await get(`/api/articles?filters[category][slug][$eq]=n`, tok));
    console.log(name, 'comments', await get(`/api/comments`, tok));
    console.log(name, 'categories', await get(`/api/categories`, tok));
  }
}, 60000);
