// Inlined into every embed page (allowed by its hash in the page's Content-Security-Policy): tells the framing
// page how tall the content is, so the frame can fit it without a scrollbar of its own. Message format (v1):
//   { type: 'kca:resize', version: 1, height: <CSS px, integer>, href: <this page's URL> }
// sent to any origin: it carries nothing but the public URL and a number. Receivers must check event.origin
// (the API's origin) and event.source (which frame); /embed.js and the README snippet do both.
// A framing page whose listener starts after the frame loaded asks again with { type: 'kca:measure' }.
/* global ResizeObserver */
(() => {
  if (window.parent === window) return
  let last = -1
  const report = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height)
    if (height === last) return
    last = height
    window.parent.postMessage({ type: 'kca:resize', version: 1, height, href: window.location.href }, '*')
  }
  new ResizeObserver(report).observe(document.documentElement)
  window.addEventListener('load', report)
  window.addEventListener('message', (event) => {
    if (event.source !== window.parent || event.data?.type !== 'kca:measure') return
    last = -1
    report()
  })
})()
