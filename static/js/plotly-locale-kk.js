// Kazakh for the Plotly toolbar, hover and dates (plotly.js ships no "kk" locale).
"use strict";
Plotly.register({
  moduleType: "locale",
  name: "kk",
  dictionary: {
    "Autoscale": "Автомасштаб",
    "Box Select": "Тіктөртбұрышпен таңдау",
    "Compare data on hover": "Меңзегенде деректерді салыстыру",
    "Double-click on legend to isolate one trace": "Бір қатарды бөліп алу үшін шартты белгіні екі рет басыңыз",
    "Double-click to zoom back out": "Кішірейту үшін екі рет басыңыз",
    "Download plot": "Графикті жүктеп алу",
    "Download plot as a PNG": "Графикті PNG ретінде жүктеп алу",
    "Lasso Select": "Лассомен таңдау",
    "Pan": "Жылжыту",
    "Produced with Plotly.js": "Plotly.js арқылы жасалған",
    "Reset": "Қалпына келтіру",
    "Reset axes": "Осьтерді қалпына келтіру",
    "Reset view": "Көріністі қалпына келтіру",
    "Show closest data on hover": "Меңзегенде ең жақын деректерді көрсету",
    "Snapshot succeeded": "Сурет сәтті жасалды",
    "Sorry, there was a problem downloading your snapshot!": "Кешіріңіз, суретті жүктеп алу кезінде қате шықты!",
    "Taking snapshot - this may take a few seconds": "Сурет жасалуда — бұл бірнеше секундқа созылуы мүмкін",
    "Toggle Spike Lines": "Проекция сызықтарын қосу/өшіру",
    "Toggle show closest data on hover": "Меңзегенде ең жақын деректерді көрсетуді қосу/өшіру",
    "Zoom": "Масштаб",
    "Zoom in": "Үлкейту",
    "Zoom out": "Кішірейту",
    "max:": "Ең үлкені:",
    "mean:": "Орташа:",
    "median:": "Медиана:",
    "min:": "Ең кішісі:",
    "trace": "Қатар"
  },
  format: {
    days: ["жексенбі", "дүйсенбі", "сейсенбі", "сәрсенбі", "бейсенбі", "жұма", "сенбі"],
    shortDays: ["жс", "дс", "сс", "ср", "бс", "жм", "сб"],
    months: [
      "Қаңтар", "Ақпан", "Наурыз", "Сәуір", "Мамыр", "Маусым",
      "Шілде", "Тамыз", "Қыркүйек", "Қазан", "Қараша", "Желтоқсан"
    ],
    shortMonths: [
      "Қаң.", "Ақп.", "Нау.", "Сәу.", "Мам.", "Мау.",
      "Шіл.", "Там.", "Қыр.", "Қаз.", "Қар.", "Жел."
    ],
    date: "%d.%m.%Y",
    decimal: ",",
    thousands: " "
  }
});
