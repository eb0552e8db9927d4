import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { resolvePlannerApi } from './api/plannerApi'
import { useHostStore } from './stores/host'
import './styles.css'

const app = createApp(App)
app.use(createPinia())
const store = useHostStore()
store.connect(resolvePlannerApi())
app.mount('#app')
void store.init()
