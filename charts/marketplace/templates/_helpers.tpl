{{/* Names, labels and the data the templates share. */}}

{{- define "marketplace.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "marketplace.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: marketplace
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* The generated data (scripts/gen/chart.ts): services table, routes, subscriptions, state stores. */}}
{{- define "marketplace.catalog" -}}
{{- .Files.Get (printf "generated/%s.yaml" .file) -}}
{{- end -}}

{{- define "marketplace.services" -}}
{{- (.Files.Get "generated/services.yaml" | fromYaml).services | toYaml -}}
{{- end -}}

{{/*
One service's settings: serviceDefaults, overridden by services.<name>.
Called with (dict "root" $ "name" <service>); returns YAML.
*/}}
{{- define "marketplace.serviceValues" -}}
{{- $defaults := deepCopy .root.Values.serviceDefaults -}}
{{- $own := deepCopy (get (.root.Values.services | default dict) .name | default dict) -}}
{{- mergeOverwrite $defaults $own | toYaml -}}
{{- end -}}

{{- define "marketplace.image" -}}
{{- $img := .root.Values.image -}}
{{- $tag := $img.tag | default .root.Chart.AppVersion -}}
{{- if $img.registry -}}
{{- printf "%s/%s%s:%s" $img.registry $img.prefix .name $tag -}}
{{- else -}}
{{- printf "%s%s:%s" $img.prefix .name $tag -}}
{{- end -}}
{{- end -}}

{{- define "marketplace.redisMetadata" -}}
- { name: redisHost, value: {{ .Values.dapr.redis.host | quote }} }
- { name: enableTLS, value: {{ .Values.dapr.redis.enableTLS | quote }} }
{{- with .Values.dapr.redis.passwordSecret }}{{ if .name }}
- name: redisPassword
  secretKeyRef: { name: {{ .name | quote }}, key: {{ .key | quote }} }
{{- end }}{{ end }}
{{- end -}}

{{/* On AWS the credentials come from the pod's IRSA role; an endpoint only for an emulator. */}}
{{- define "marketplace.awsMetadata" -}}
- { name: region, value: {{ .Values.dapr.aws.region | quote }} }
{{- with .Values.dapr.aws.endpoint }}
- { name: endpoint, value: {{ . | quote }} }
- { name: accessKey, value: test }
- { name: secretKey, value: test }
{{- end }}
{{- end -}}
