namespace Bpdp.Coordinator;

/// <summary>Where deployment sagas are kept.</summary>
public enum SagaStoreKind
{
    /// <summary>In process: the embedded mode and unit tests.</summary>
    InMemory,

    /// <summary>PostgreSQL: any number of Coordinators, state survives restarts.</summary>
    Postgres,
}
