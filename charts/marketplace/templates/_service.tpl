{{/*
Everything one service needs: ServiceAccount, Deployment (app + Dapr sidecar by annotations),
Service, HorizontalPodAutoscaler, PodDisruptionBudget and its Dapr Configuration (tracing, access control
of its routes from generated/access.yaml; its NetworkPolicy is in network-policies.yaml).
Called with (dict "root" $ "name" <service> "spec" <generated entry>).
*/}}
{{- define "marketplace.service" -}}
{{- $root := .root -}}
{{- $name := .name -}}
{{- $spec := .spec -}}
{{- $v := include "marketplace.serviceValues" (dict "root" $root "name" $name) | fromYaml -}}
{{- $full := printf "%s-%s" (include "marketplace.fullname" $root) $name -}}
{{- $sa := $full -}}
{{- if and (eq $root.Values.environment "production") (or $v.watch (not $v.readOnlyRootFilesystem)) -}}
{{- fail (printf "services.%s: watch and a writable root filesystem are for local clusters, not environment: production" $name) -}}
{{- end -}}
{{- $saAnnotations := mergeOverwrite (deepCopy ($root.Values.serviceAccount.annotations | default dict)) ($v.serviceAccountAnnotations | default dict) -}}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ $sa }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "marketplace.labels" $root | nindent 4 }}
    app.kubernetes.io/name: {{ $name }}
  {{- with $saAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $full }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "marketplace.labels" $root | nindent 4 }}
    app.kubernetes.io/name: {{ $name }}
    app.kubernetes.io/component: service
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app.kubernetes.io/instance: {{ $root.Release.Name }}
      app.kubernetes.io/name: {{ $name }}
  strategy:
    type: RollingUpdate
    rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }
  template:
    metadata:
      labels:
        {{- include "marketplace.labels" $root | nindent 8 }}
        app.kubernetes.io/name: {{ $name }}
        app.kubernetes.io/component: service
      annotations:
        dapr.io/enabled: "true"
        dapr.io/app-id: {{ $name | quote }}
        dapr.io/app-port: {{ $spec.port | quote }}
        dapr.io/app-protocol: http
        dapr.io/config: {{ $full | quote }}
        # Each app its own tokens: one app's token opens no other app's /internal routes.
        dapr.io/api-token-secret: {{ printf "%s-%s" $root.Values.secrets.daprApiToken $name | quote }}
        dapr.io/app-token-secret: {{ printf "%s-%s" $root.Values.secrets.appApiToken $name | quote }}
        # Subscriptions are the declarative ones rendered from the event catalog (dapr-subscriptions.yaml).
        dapr.io/disable-init-endpoints: subscribe
        dapr.io/enable-metrics: "true"
        dapr.io/metrics-port: "9090"
        dapr.io/log-level: {{ $v.sidecar.logLevel | quote }}
        dapr.io/log-as-json: {{ $root.Values.dapr.logAsJson | quote }}
        dapr.io/graceful-shutdown-seconds: "20"
        dapr.io/sidecar-cpu-request: {{ $v.sidecar.cpuRequest | quote }}
        dapr.io/sidecar-memory-request: {{ $v.sidecar.memoryRequest | quote }}
        dapr.io/sidecar-cpu-limit: {{ $v.sidecar.cpuLimit | quote }}
        dapr.io/sidecar-memory-limit: {{ $v.sidecar.memoryLimit | quote }}
        dapr.io/env: {{ printf "GOMAXPROCS=%v" $v.sidecar.goMaxProcs | quote }}
        dapr.io/sidecar-seccomp-profile-type: RuntimeDefault
        # The project's daprd flavor (Dockerfile.daprd: only the components the Dapr resources use),
        # the same binary local runs start, instead of Dapr's image with all its components.
        dapr.io/sidecar-image: {{ include "marketplace.image" (dict "root" $root "name" "daprd") | quote }}
    spec:
      serviceAccountName: {{ $sa }}
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        fsGroup: 10001
        seccompProfile: { type: RuntimeDefault }
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              app.kubernetes.io/instance: {{ $root.Release.Name }}
              app.kubernetes.io/name: {{ $name }}
      containers:
        - name: {{ $name }}
          image: {{ include "marketplace.image" (dict "root" $root "name" $name) | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          {{- if $v.watch }}
          command: [node, --watch, --enable-source-maps, /app/main.mjs]
          {{- end }}
          ports:
            - name: http
              containerPort: {{ $spec.port }}
              protocol: TCP
            # Prometheus metrics: on no Service, so never behind the Ingress (templates/monitoring.yaml).
            - name: metrics
              containerPort: {{ $root.Values.metrics.port }}
              protocol: TCP
          env:
            - { name: PORT, value: {{ $spec.port | quote }} }
            - { name: METRICS_PORT, value: {{ $root.Values.metrics.port | quote }} }
            - { name: ENVIRONMENT, value: {{ $root.Values.environment | quote }} }
            - { name: LOG_LEVEL, value: {{ $v.logLevel | quote }} }
            - { name: DB_POOL_MAX, value: {{ $v.dbPoolMax | quote }} }
            - { name: SHUTDOWN_GRACE_MS, value: {{ $v.shutdownGraceMs | quote }} }
            - { name: PUBLIC_BASE_URL, value: {{ $root.Values.publicBaseUrl | quote }} }
            - { name: CORS_ALLOWED_ORIGINS, value: {{ join "," $root.Values.cors.allowedOrigins | quote }} }
            - { name: TRUSTED_PROXIES, value: {{ $root.Values.trustedProxies | quote }} }
            - { name: DAPR_HTTP_PORT, value: "3500" }
            # A request without traceparent starts a trace sampled as the sidecars sample theirs.
            - { name: TRACING_SAMPLING_RATE, value: {{ $root.Values.dapr.tracing.samplingRate | quote }} }
            {{- if $root.Values.localDev }}
            - { name: LOCAL_DEV, value: "true" }
            {{- end }}
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef: { name: {{ $root.Values.secrets.app | quote }}, key: {{ printf "database-url-%s" $spec.database | quote }} }
            - name: APP_API_TOKEN
              valueFrom:
                secretKeyRef: { name: {{ printf "%s-%s" $root.Values.secrets.appApiToken $name | quote }}, key: token }
            - name: DAPR_API_TOKEN
              valueFrom:
                secretKeyRef: { name: {{ printf "%s-%s" $root.Values.secrets.daprApiToken $name | quote }}, key: token }
            {{- range $var, $key := $v.secretEnv }}
            - name: {{ $var }}
              valueFrom:
                secretKeyRef: { name: {{ $root.Values.secrets.app | quote }}, key: {{ $key | quote }} }
            {{- end }}
            {{- if has $name $root.Values.s3.services }}
            - { name: S3_REGION, value: {{ $root.Values.s3.region | quote }} }
            {{- with $root.Values.s3.endpoint }}
            # An S3 emulator (local clusters): its endpoint, any static keys, buckets made on demand.
            - { name: S3_ENDPOINT, value: {{ . | quote }} }
            - { name: S3_ACCESS_KEY_ID, value: local }
            - { name: S3_SECRET_ACCESS_KEY, value: local }
            - { name: S3_CREATE_BUCKET, value: "true" }
            {{- end }}
            {{- end }}
            {{- if has $name $root.Values.sns.services }}
            - { name: SNS_REGION, value: {{ $root.Values.sns.region | quote }} }
            {{- with $root.Values.sns.endpoint }}
            # An SNS emulator (local clusters): its endpoint and any static keys.
            - { name: SNS_ENDPOINT, value: {{ . | quote }} }
            - { name: SNS_ACCESS_KEY_ID, value: local }
            - { name: SNS_SECRET_ACCESS_KEY, value: local }
            {{- end }}
            {{- end }}
            {{- range $var, $key := $v.optionalSecretEnv }}
            - name: {{ $var }}
              valueFrom:
                secretKeyRef: { name: {{ $root.Values.secrets.app | quote }}, key: {{ $key | quote }}, optional: true }
            {{- end }}
            {{- range $var, $value := $v.env }}
            - { name: {{ $var }}, value: {{ $value | quote }} }
            {{- end }}
          startupProbe:
            httpGet: { path: /healthz, port: http }
            periodSeconds: 2
            failureThreshold: 60
          readinessProbe:
            httpGet: { path: /readyz, port: http }
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 3
          livenessProbe:
            httpGet: { path: /healthz, port: http }
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          lifecycle:
            # Let the endpoints and the ingress forget this pod before the kit starts draining.
            preStop:
              sleep: { seconds: 5 }
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: {{ $v.readOnlyRootFilesystem }}
            capabilities: { drop: [ALL] }
          volumeMounts:
            - { name: tmp, mountPath: /tmp }
      volumes:
        - name: tmp
          emptyDir: { sizeLimit: 256Mi }
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $full }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "marketplace.labels" $root | nindent 4 }}
    app.kubernetes.io/name: {{ $name }}
spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/instance: {{ $root.Release.Name }}
    app.kubernetes.io/name: {{ $name }}
  ports:
    - name: http
      port: 80
      targetPort: http
      protocol: TCP
{{- if $v.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ $full }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "marketplace.labels" $root | nindent 4 }}
    app.kubernetes.io/name: {{ $name }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $full }}
  minReplicas: {{ $v.autoscaling.minReplicas }}
  maxReplicas: {{ $v.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $v.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- if $v.podDisruptionBudget.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $full }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "marketplace.labels" $root | nindent 4 }}
    app.kubernetes.io/name: {{ $name }}
spec:
  maxUnavailable: {{ $v.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      app.kubernetes.io/instance: {{ $root.Release.Name }}
      app.kubernetes.io/name: {{ $name }}
{{- end }}
---
apiVersion: dapr.io/v1alpha1
kind: Configuration
metadata:
  name: {{ $full }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "marketplace.labels" $root | nindent 4 }}
    app.kubernetes.io/name: {{ $name }}
spec:
  # The sidecar writes the spans of every invocation, publication and delivery; the app carries
  # the W3C trace context between them (packages/platform/src/trace.ts). To a Zipkin collector
  # when dapr.tracing.zipkinEndpoint is set (Tilt's), else to the OTLP collector.
  tracing:
    samplingRate: {{ $root.Values.dapr.tracing.samplingRate | quote }}
    {{- with $root.Values.dapr.tracing.zipkinEndpoint }}
    zipkin:
      endpointAddress: {{ . | quote }}
    {{- else }}
    otel:
      endpointAddress: {{ $root.Values.dapr.tracing.otlpEndpoint | quote }}
      isSecure: {{ $root.Values.dapr.tracing.isSecure }}
      protocol: grpc
    {{- end }}
  # Generated from the list of synchronous calls (generated/metric.yaml): a path that holds an id is
  # labelled by its template in the sidecar's HTTP metrics, so ids do not add series.
  metric: {{ ($root.Files.Get "generated/metric.yaml" | fromYaml).metric | toJson }}
  accessControl:
    # Generated from the list of synchronous calls (generated/access.yaml): each caller may invoke
    # exactly the operations it uses; anything else is refused by this app's sidecar.
    defaultAction: deny
    trustDomain: {{ $root.Values.dapr.trustDomain | quote }}
    {{- with get ($root.Files.Get "generated/access.yaml" | fromYaml).access $name }}
    policies:
      {{- range $p := . }}
      - appId: {{ $p.appId }}
        defaultAction: deny
        trustDomain: {{ $root.Values.dapr.trustDomain | quote }}
        namespace: {{ $root.Release.Namespace | quote }}
        operations:
          {{- range $p.operations }}
          - { name: {{ .name | quote }}, httpVerb: {{ .httpVerb | toJson }}, action: {{ .action }} }
          {{- end }}
      {{- end }}
    {{- end }}
{{- end -}}
