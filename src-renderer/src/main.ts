import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { resolvePlannerApi } from './api/plannerApi'
import { useHostStore } from './stores/host'
import { useWorkspaceStore } from './stores/workspace'
import './styles.css'

const app = createApp(App)
app.use(createPinia())
const store = useHostStore()
store.connect(resolvePlannerApi())
app.mount('#app')
// Changes count from after start-up (app facts, examples); then the previous session may be offered.
void store.init().then(() => useWorkspaceStore().start())
