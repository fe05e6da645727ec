/** The dashboard's parsed options. */
export const DASHBOARD_OPTIONS = Symbol('nestjs-etcd-lock:dashboard-options');
