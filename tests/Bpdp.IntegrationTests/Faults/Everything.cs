using Bpdp.Contracts;
using Bpdp.Testing;

namespace Bpdp.IntegrationTests.Faults;

/// <summary>Every pipeline message, as the ledger's feed carries it: what the ledger must have recorded, once each.</summary>
public sealed class Everything(MessageSink sink) : RecordingConsumer<IPipelineMessage>(sink);
