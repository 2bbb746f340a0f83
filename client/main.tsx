/** Client entry: mounts the app into `#root`. */
import { render } from 'solid-js/web'
import App from './App'
import './styles.css'
import { registerServiceWorker } from './sync/serviceWorker'

const root = document.getElementById('root')
if (!root) throw new Error('codejury: #root is missing from index.html')
render(() => <App />, root)
registerServiceWorker()
