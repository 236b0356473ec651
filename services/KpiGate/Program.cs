using Bpdp.KpiGate;
using Bpdp.Platform.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddBpdpService("kpi-gate", bus => bus.AddKpiGateStage());
var app = builder.Build();
app.MapBpdpEndpoints();
app.Run();
