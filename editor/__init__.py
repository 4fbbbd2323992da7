"""The questionnaire editor: staff build, check, preview, import and export questionnaires
in the browser. The top layer: it may use every other app, none uses it."""
