{{- define "shop.namespace" -}}
{{ .Values.namespace | default .Release.Namespace }}
{{- end -}}
