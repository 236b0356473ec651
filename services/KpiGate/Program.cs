using Bpdp.KpiGate;
using Bpdp.Platform.Hosting;

var builder = WebApplication.CreateBuilder(args);
var queue = builder.Configuration[$"{KpiGateOptions.Section}:Queue"] ?? "kpi-gate";
builder.AddBpdpService("kpi-gate", bus => bus.AddKpiGateStage(queue));
var app = builder.Build();
app.MapBpdpEndpoints();
app.Run();
