// happy-dom does no layout, so every element measures 0×0 and ECharts refuses to size its canvas.
// Give elements a fixed size so charts render as they would in a window.
Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 })
Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 340 })
